"""nnlib: the small neural-network library built in the book.

Modules (each short enough to read in one sitting):
activations, losses, layers, network (all parameters in one vector, theta),
optim, train, gradcheck, metrics, io,
data (MNIST and toy problems), faces (the face-drawing generator), plotting,
conv (a numpy convolution and max-pool, checked against PyTorch), emotion (the
PyTorch emotion CNN; imports torch).
"""
from .activations import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh, get_activation
from .gradcheck import check_network, numerical_gradient, relative_error
from .io import load, load_checkpoint, load_weights, save
from .layers import Dense, init_weights
from .losses import MSE, BinaryCrossEntropy, CrossEntropy, get_loss
from .metrics import accuracy, balanced_accuracy, confusion_matrix, precision_recall_f1
from .network import Network, mlp
from .optim import SGD, Adam, Momentum
from .train import History, TrainingDiverged, clip_gradients, evaluate, fit

__version__ = "0.1.0"
