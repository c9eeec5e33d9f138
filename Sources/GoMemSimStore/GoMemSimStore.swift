// Placeholder: the GoMemSimStore layer lands here.
