import ArgumentParser
import BookRunner
import Foundation

// OpenBLAS reads OPENBLAS_CORETYPE when it loads: set it before any chapter (or this tool) loads it.
BLASKernel.configureEnvironment()
Book.Command.main()
