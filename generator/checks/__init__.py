"""The last stage of the pipeline: checks of a built site."""
