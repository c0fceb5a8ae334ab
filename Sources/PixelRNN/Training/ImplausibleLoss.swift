/// The tell of a leaking model: a training NLL far below what the data allows (`train` warns;
/// Models README, "Known bugs").
///
/// The floor, 60 nats per binary 28×28 image, is three quarters of the best NLL the paper
/// reports on binarized MNIST (79.20 nats, the 7-layer Diagonal BiLSTM trained on 50,000
/// images; later causal models reach about 78). The causal models here come nowhere near it on
/// the bundled 4,000 digits: after 10 epochs they test at 88.7–97.3 nats (README, "Results"),
/// and a PixelCNN (L = 3, h = 8) trains at 105.0 nats/image after one epoch (250 steps); the same
/// PixelCNN with `--bug mask-b-first` trains at 0.00 nats/image within 150 steps (measured;
/// the commands are in the Models README, "Known bugs"). A causal model would have to beat the literature by
/// 18 nats per image to fall below the floor; every leaking model measured falls far under it.
///
/// Scaled with the number of binary values (H·W·C / 784). For 256 levels nothing was
/// measured, so there is no floor (nil).
public enum ImplausibleLoss {
    /// The floor for binary 28×28 grey images, in nats per image.
    public static let binaryMNISTFloor = 60.0

    /// The floor in nats per image of `height`×`width` images with `colors` colours and
    /// `levels` levels, or nil where none is known.
    public static func floor(height: Int, width: Int, colors: Int, levels: Int) -> Double? {
        guard levels == 2 else { return nil }
        return binaryMNISTFloor * Double(height * width * colors) / 784
    }
}
