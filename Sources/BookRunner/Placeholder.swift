// The runner (being written).
