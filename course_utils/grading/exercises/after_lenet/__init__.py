"""Notebook 08, after LeNet: AlexNet, VGG, GoogLeNet, ResNet; residual blocks and design."""

NOTEBOOK = "08_after_lenet"
