"""waldur provider: client and normalizer."""
