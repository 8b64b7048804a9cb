"""Engine-level tests: the real provider host driven over gRPC as the Pulumi engine drives it."""
