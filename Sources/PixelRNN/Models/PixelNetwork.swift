/// (Skeleton; the PixelCNN work fills this in.)
public final class PixelNetwork {}
