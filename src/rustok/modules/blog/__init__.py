"""Blog module: posts with tags and comments, on top of content nodes."""
