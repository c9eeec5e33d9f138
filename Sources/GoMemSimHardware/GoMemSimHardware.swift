// Placeholder: the GoMemSimHardware layer lands here.
