// The StyleLapse library's surface: the session and its sinks (this module), and the types they speak in from the
// modules below: settings (Stylize, Objective, Optimization, Network), pictures (ImageFiles), the timelapse writer
// (Timelapse). The engine's tensors and kernels stay internal to the modules that use them.

@_exported import ImageFiles
@_exported import Network
@_exported import Objective
@_exported import Optimization
@_exported import Stylize
@_exported import Timelapse
@_exported import Film
@_exported import Drawing
