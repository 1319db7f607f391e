import Tensor
print("nas-tui")
