// Placeholder: the GoMemSimRecorder layer lands here.
