"""The window and its panels (Qt + pyqtgraph). Never imports torch: the worker thread does."""
