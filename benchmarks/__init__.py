"""`python -m benchmarks` (`make bench`): how fast the generated client, the emulator and the
conformance run are, measured on this machine against loopback only. See benchmarks/README.md."""
