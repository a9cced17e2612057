"""Engine adapters: each hands the site plan to one site engine."""
