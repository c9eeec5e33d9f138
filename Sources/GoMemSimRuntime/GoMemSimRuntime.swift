// Placeholder: the GoMemSimRuntime layer lands here.
