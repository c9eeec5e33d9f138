import GoMemSimTrace

/// A run-time value of a script variable or heap slot. Memory contents are not modelled:
/// an integer loaded from memory reads as 0; references (slices, pointers) are tracked
/// exactly, because they decide what is reachable.
enum Value: Hashable, Sendable {
    /// The zero value of a reference type: nil slice, nil pointer, nil error, nil file.
    case none
    case integer(Int64)
    case boolean(Bool)
    /// A slice of region `region` (0 = no backing memory) from element `start`, `count` long.
    case slice(RegionID, start: Int64, count: Int64)
    case pointer(RegionID)
    /// An `*os.File` by file descriptor.
    case file(Int32)
}
