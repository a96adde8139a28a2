// The StyleLapse library's surface: the session and its sinks (this module), and the types they speak in from the
// modules below: settings (Painting, Objective, Optimization, Network), pictures (ImageFiles), the film's encoder
// (Timelapse). The engine's tensors and kernels stay internal to the modules that use them.

@_exported import ImageFiles
@_exported import Network
@_exported import Objective
@_exported import Optimization
@_exported import Painting
@_exported import Timelapse
@_exported import Film
@_exported import Drawing
