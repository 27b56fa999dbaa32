"""Unit tests of the generated client: respx in place of the network, the spec as the judge."""
