"""palette provider: client and normalizer."""
