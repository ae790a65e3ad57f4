"""`make bench`: measured figures, each printed beside a baseline from the same run."""
