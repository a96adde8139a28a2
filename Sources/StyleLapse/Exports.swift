// The StyleLapse library's surface: the session and its sinks (this module), and the types they speak in from the
// modules below: settings (Stylization, Objective, Optimization, Network), pictures (ImageFiles), the film's encoder
// (Timelapse). The engine's tensors and kernels stay internal to the modules that use them.

@_exported import ImageFiles
@_exported import Network
@_exported import Objective
@_exported import Optimization
@_exported import Stylization
@_exported import Timelapse
@_exported import Film
@_exported import Drawing
import Engine

/// The copy of the engine's kernels that runs (baseline, AVX2 + FMA, AVX-512), chosen at start from the CPU: the one
/// choice below the library a program may make (`InstructionSet.use`, as `--isa` does). The rest of the engine stays
/// behind the library.
public typealias InstructionSet = Engine.InstructionSet
