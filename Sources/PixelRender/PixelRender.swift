/// PixelRender: pictures for pixelrnn — PNG files through libgd and previews in the terminal.
public enum PixelRender {}
