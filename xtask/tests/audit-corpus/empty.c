/* An empty stub library: a soname and no symbols. */
