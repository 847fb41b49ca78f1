"""A faithful fake of the four provider APIs, with deterministic data and switchable faults."""
