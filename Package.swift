// swift-tools-version:6.0
//
// pixelrnn: a command REPL that teaches Pixel Recurrent Neural Networks.
//
// The split (README.md, "Layout"): math (PixelRNN) / pictures (PixelRender) /
// command language (PixelREPL) / executable (pixelrnn). The C libraries come
// from Debian's packages: libgd-dev, libreadline-dev, libopenblas-dev, zlib1g-dev.
import PackageDescription

let package = Package(
    name: "pixelrnn",
    products: [
        .executable(name: "pixelrnn", targets: ["pixelrnn"]),
        .library(name: "PixelRNN", targets: ["PixelRNN"]),
    ],
    targets: [
        // System libraries: a module map and a shim header each.
        .systemLibrary(name: "CGD", path: "Sources/CGD"),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

        // The model library: tensors, layers, models, data. Never prints.
        .target(
            name: "PixelRNN",
            dependencies: ["CBLAS", "CZlib", "CGD"],   // CGD: decoding users' PNG and JPEG files (Data/ImageFiles)
            exclude: ["README.md", "Models/README.md", "Models/MultiScale/README.md", "Models/PixelCNN/README.md", "Models/RowLSTM/README.md",
                      "Models/DiagonalBiLSTM/README.md", "Checkpoint/README.md", "Export/README.md",
                      "Verification/README.md"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        // Pictures: PNG through libgd, terminal previews.
        .target(name: "PixelRender", dependencies: ["CGD"], exclude: ["README.md"]),
        // The command language, session state, lessons.
        .target(name: "PixelREPL", dependencies: ["PixelRNN", "PixelRender", "CReadline"], exclude: ["README.md"]),
        // The executable.
        .executableTarget(name: "pixelrnn", dependencies: ["PixelREPL"]),
        // Fuzz targets: every parser fed arbitrary bytes (scripts/fuzz links them with
        // libFuzzer; PixelFuzzTests replays the committed corpus without it).
        .target(name: "PixelFuzz", dependencies: ["PixelREPL", "PixelRNN"], exclude: ["README.md"]),

        .testTarget(name: "PixelRNNTests", dependencies: ["PixelRNN"], exclude: ["Fixtures"]),
        .testTarget(name: "PixelRenderTests", dependencies: ["PixelRender", "CGD"]),
        .testTarget(name: "PixelREPLTests", dependencies: ["PixelREPL", "PixelRNN", "PixelRender"]),
        .testTarget(name: "PixelFuzzTests", dependencies: ["PixelFuzz"]),
    ],
    // Swift 5 language mode: the library is single-threaded by design except for
    // explicit, documented parallel loops; strict-concurrency checking adds noise here.
    swiftLanguageModes: [.v5]
)
