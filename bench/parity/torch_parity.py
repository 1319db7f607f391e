"""Parity of `nas-tui`'s training step with PyTorch's, step by step.

PyTorch builds the network of bench/torch_train_darts.py (the same classes, read from that file),
draws its initial weights and the shuffled order of the first STEPS batches exactly as that script
does for --seed S, writes both into DIR (weights.safetensors, batches.safetensors), and trains
STEPS steps with the benchmark's recipe (SGD 0.025, momentum 0.9, weight decay 3e-4, clipping at 5,
per-step cosine over the whole epoch of --limit images). `nas-tui parity DIR` then trains our
network from the same weights on the same batches with the trainer's own step. A float64 PyTorch
run of the same steps is the reference: float32's rounding flips near-ties of the max pools (DARTS_V2's
reduction cells are all max pools), so two float32 runs part at ~1e-4 after three steps however
exact both are; "agreeing to float32 accuracy" is being as close to float64 as PyTorch's float32 is.
Printed: the first-batch gradient error of both against float64, the per-step losses side by side,
the test loss in evaluation mode (batch-norm running statistics) on the first --test test images.
It fails (exit 1) unless the first 3 steps agree with PyTorch to --early-tolerance, nas-tui's
distance to float64 is at most 3x PyTorch's float32 one (+ --early-tolerance) over the first --early
steps, over all steps (mean) and for the gradient, and the test losses agree to --tolerance.

Usage: python bench/parity/torch_parity.py [--steps 100] [--seed 1] [--limit 10000]
           [--nas-tui .build/release/nas-tui] [--dir DIR] [--threads 2]
The last line is a JSON summary."""
import argparse, ast, copy, gzip, json, math, os, subprocess, sys, tempfile
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from safetensors.torch import save_file, load_file

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, '..', 'torch_train_darts.py')
ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('--steps', type=int, default=100); ap.add_argument('--seed', type=int, default=1)
ap.add_argument('--limit', type=int, default=10000, help='training images of the epoch the cosine schedule spans')
ap.add_argument('--batch', type=int, default=64); ap.add_argument('--C', type=int, default=16); ap.add_argument('--layers', type=int, default=5)
ap.add_argument('--nas-tui', default=os.path.join(HERE, '..', '..', '.build', 'release', 'nas-tui'))
ap.add_argument('--dir', default=None, help='where to write the weights and batches (default: a temporary directory)')
ap.add_argument('--threads', type=int, default=1, help='threads of both sides (1: the same on a busy machine)')
ap.add_argument('--test', type=int, default=1000, help='test images both evaluate on after the steps (batch-norm running statistics)')
ap.add_argument('--early', type=int, default=20); ap.add_argument('--early-tolerance', type=float, default=1e-4)
ap.add_argument('--tolerance', type=float, default=5e-2)
a = ap.parse_args(); torch.set_num_threads(a.threads)

# The benchmark's network: its class definitions and operation tables, executed here.
tree = ast.parse(open(BENCH).read())
keep = [n for n in tree.body if isinstance(n, ast.ClassDef)
        or (isinstance(n, ast.Assign) and any(getattr(t, 'id', '') in ('OPS', 'NORMAL', 'REDUCE') for t in n.targets))]
env = {'nn': nn, 'torch': torch, 'F': F}
exec(compile(ast.Module(body=keep, type_ignores=[]), BENCH, 'exec'), env)
Net = env['Net']

# The benchmark's data: Fashion-MNIST normalised with the full training set's statistics.
D = '/usr/share/datasets/fashion-mnist/'
def idx(p, off): return np.frombuffer(gzip.open(D + p).read(), np.uint8, offset=off)
xtr = torch.from_numpy(idx('train-images-idx3-ubyte.gz', 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.)
ytr = torch.from_numpy(idx('train-labels-idx1-ubyte.gz', 8).astype(np.int64))
xte = torch.from_numpy(idx('t10k-images-idx3-ubyte.gz', 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.)[:a.test]
yte = torch.from_numpy(idx('t10k-labels-idx1-ubyte.gz', 8).astype(np.int64))[:a.test]
m, s = xtr.mean(), xtr.std(); xtr = (xtr - m) / s; xte = (xte - m) / s
xtr, ytr = xtr[:a.limit], ytr[:a.limit]

torch.manual_seed(a.seed)  # as the benchmark: weights first, then the epoch's permutation
net = Net(a.C, a.layers)
total_steps = (len(xtr) + a.batch - 1) // a.batch
perm = torch.randperm(len(xtr))
if a.steps > len(xtr) // a.batch: sys.exit(f'--steps {a.steps}: the first epoch has {len(xtr) // a.batch} full batches')
order = perm[:a.steps * a.batch].view(a.steps, a.batch)

out = a.dir or tempfile.mkdtemp(prefix='nas-tui-parity-')
os.makedirs(out, exist_ok=True)
tensors = {f'param.{i:04d}': p.detach().clone().contiguous() for i, (_, p) in enumerate(net.named_parameters())}
buffers = [(n, b) for n, b in net.named_buffers() if not n.endswith('num_batches_tracked')]
tensors.update({f'buffer.{i:04d}': b.clone().contiguous() for i, (_, b) in enumerate(buffers)})
genotype = 'Genotype(normal=%r, normal_concat=[2, 3, 4, 5], reduce=%r, reduce_concat=[2, 3, 4, 5])' % (env['NORMAL'], env['REDUCE'])
meta = {'genotype': genotype, 'channels': str(a.C), 'layers': str(a.layers), 'classes': '10', 'lr': '0.025', 'momentum': '0.9',
        'weight_decay': '3e-4', 'clip': '5', 'total_steps': str(total_steps),
        'names': json.dumps([n for n, _ in net.named_parameters()] + [n for n, _ in buffers])}
save_file(tensors, os.path.join(out, 'weights.safetensors'), metadata=meta)
save_file({'images': xtr[order].contiguous(), 'labels': ytr[order].contiguous(), 'test_images': xte.contiguous(),
           'test_labels': yte.contiguous()}, os.path.join(out, 'batches.safetensors'))

# The reference: the same network, weights and batches in float64, where float32's rounding (and
# the max pools' near-ties it flips, which DARTS_V2's all-max-pool reduction cells have many of)
# does not reach. Agreement "to float32 accuracy" means: nas-tui is as close to it as PyTorch's
# own float32 run is.
def first_gradient(model, dtype):
    probe = copy.deepcopy(model).to(dtype); probe.train()  # a copy: the running statistics stay
    F.cross_entropy(probe(xtr[order[0]].to(dtype)), ytr[order[0]]).backward()
    return {f'param.{i:04d}': p.grad.double() for i, (_, p) in enumerate(probe.named_parameters())}
grads32, grads64 = first_gradient(net, torch.float32), first_gradient(net, torch.float64)
param_names = [n for n, _ in net.named_parameters()]

def train(model, dtype):
    """bench/torch_train_darts.py's steps; the losses, then the test loss in evaluation mode."""
    model = model.to(dtype)
    opt = torch.optim.SGD(model.parameters(), lr=0.025, momentum=0.9, weight_decay=3e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, total_steps)
    model.train(); losses = []
    for b in order:
        opt.zero_grad(); loss = F.cross_entropy(model(xtr[b].to(dtype)), ytr[b]); loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.); opt.step(); sched.step(); losses.append(loss.item())
    model.eval()
    with torch.no_grad(): return losses, F.cross_entropy(model(xte.to(dtype)), yte).item()
reference, reference_test = train(copy.deepcopy(net), torch.float64)
theirs, test_loss = train(net, torch.float32)

grads_path = os.path.join(out, 'nas_tui_gradients.safetensors')
run = subprocess.run([a.nas_tui, 'parity', out, '--threads', str(a.threads), '--gradients', grads_path], capture_output=True, text=True)
if run.returncode != 0: sys.exit(f'nas-tui parity failed ({run.returncode}): {run.stderr.strip()}')
result = json.loads(run.stdout.strip().splitlines()[-1])
ours, our_test_loss = result['losses'], result['test_loss']
ours_grads = load_file(grads_path)
def grad_error(grads):
    return max((float((grads[k].double() - g).abs().max() / g.abs().max().clamp_min(1e-30)), param_names[int(k[6:])])
               for k, g in grads64.items())
grad_torch, grad_ours = grad_error(grads32), grad_error(ours_grads)
print(f'first-batch gradient against float64, worst max|error|/max|gradient| of a tensor: '
      f'pytorch float32 {grad_torch[0]:.2e} ({grad_torch[1]}), nas-tui {grad_ours[0]:.2e} ({grad_ours[1]})')
def rel(x, y): return abs(x - y) / max(abs(y), 1e-12)
rel_torch = [rel(t, r) for t, r in zip(theirs, reference)]
rel_ours = [rel(o, r) for o, r in zip(ours, reference)]
rel_pair = [rel(o, t) for o, t in zip(ours, theirs)]
print(f'{"step":>4}  {"float64":>10}  {"pytorch":>10}  {"nas-tui":>10}  {"pytorch-f64":>11}  {"nas-tui-f64":>11}  {"nas-tui-pytorch":>15}')
for i in range(len(ours)):
    print(f'{i + 1:>4}  {reference[i]:>10.6f}  {theirs[i]:>10.6f}  {ours[i]:>10.6f}  {rel_torch[i]:>11.2e}  {rel_ours[i]:>11.2e}  {rel_pair[i]:>15.2e}')
test_rel = rel(our_test_loss, test_loss)
print(f'test loss in evaluation mode on {len(xte)} images after the steps: float64 {reference_test:.6f}, pytorch {test_loss:.6f}, '
      f'nas-tui {our_test_loss:.6f}')
k = a.early
# Within float32 accuracy: the first steps agree to --early-tolerance before any near-tie flips
# (steps 1-3: the forward pass and the first two updates); over the first --early steps and over
# all of them nas-tui strays from float64 no more than 3x as far as PyTorch's float32 does (plus
# --early-tolerance); the first gradient likewise.
checks = {
    'first 3 steps within --early-tolerance of pytorch': max(rel_pair[:3]) <= a.early_tolerance,
    f'first {k} steps as close to float64 as pytorch': max(rel_ours[:k]) <= 3 * max(rel_torch[:k]) + a.early_tolerance,
    'all steps as close to float64 as pytorch (mean)': np.mean(rel_ours) <= 3 * np.mean(rel_torch) + a.early_tolerance,
    'first gradient as close to float64 as pytorch': grad_ours[0] <= 3 * grad_torch[0] + a.early_tolerance,
    'test loss within --tolerance': test_rel <= a.tolerance,
}
for name, passed in checks.items(): print(f'{"ok  " if passed else "FAIL"} {name}')
ok = len(ours) == len(theirs) and all(checks.values())
print(json.dumps({'steps': len(theirs), 'seed': a.seed, 'max_relative_first3': max(rel_pair[:3]),
                  f'max_relative_to_float64_first{k}_pytorch': max(rel_torch[:k]), f'max_relative_to_float64_first{k}_nas_tui': max(rel_ours[:k]),
                  'mean_relative_to_float64_pytorch': float(np.mean(rel_torch)), 'mean_relative_to_float64_nas_tui': float(np.mean(rel_ours)),
                  'gradient_error_pytorch': grad_torch[0], 'gradient_error_nas_tui': grad_ours[0],
                  'test_loss_pytorch': test_loss, 'test_loss_nas_tui': our_test_loss, 'test_loss_float64': reference_test,
                  'mean_loss_last10_pytorch': float(np.mean(theirs[-10:])), 'mean_loss_last10_nas_tui': float(np.mean(ours[-10:])),
                  'agree': ok, 'dir': out}))
sys.exit(0 if ok else 1)
