"""Speaker -> government: the places gazetteer, the roles lexicon, the actors file, and the linker component."""
