/// Kernels written in Swift over raw pointers need every buffer pinned at once. Two helpers keep that to one
/// call instead of a nest of `withUnsafe…BufferPointer` closures, one level per buffer.

/// Runs `body` with the base address of each array's storage, all pinned for the call (nil for an empty
/// array), in the order given.
func withBaseAddresses<T, R>(_ arrays: [[T]], _ body: ([UnsafePointer<T>?]) -> R) -> R {
    var pointers: [UnsafePointer<T>?] = []
    pointers.reserveCapacity(arrays.count)
    func pin(_ i: Int) -> R {
        guard i < arrays.count else { return body(pointers) }
        return arrays[i].withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress)
            return pin(i + 1)
        }
    }
    return pin(0)
}

/// Working memory that a kernel writes through a stable pointer, freed with the object (an array's storage
/// is reachable only inside a closure). A backward closure can hold one; ``tensor(_:)`` copies it out.
final class KernelBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    /// `count` floats, uninitialised unless `zeroed`.
    init(_ count: Int, zeroed: Bool = false) {
        self.count = count
        pointer = .allocate(capacity: Swift.max(count, 1))
        if zeroed { pointer.initialize(repeating: 0, count: count) }
    }

    deinit { pointer.deallocate() }

    /// A tensor of `shape` (of `count` elements) holding a copy of the buffer.
    func tensor(_ shape: Shape) -> Tensor {
        guard shape.elementCount == count else { fatalError("KernelBuffer: \(count) floats for a tensor of shape \(shape)") }
        return Tensor(shape: shape) { $0.baseAddress!.update(from: pointer, count: count) }
    }
}
