import PixelREPL
print("pixelrnn")
