// The benchmark tool (being written): `make bench` runs it beside bench/pytorch.
print("trufl-bench")
