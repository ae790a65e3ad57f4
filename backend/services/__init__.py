"""Domain logic. Functions add to the caller's session; the router commits once at the end."""
