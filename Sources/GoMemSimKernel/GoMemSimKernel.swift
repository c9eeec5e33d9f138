// Placeholder: the GoMemSimKernel layer lands here.
