"""Parity of `nas-tui`'s training step with PyTorch's, step by step.

PyTorch builds the network of bench/torch_train_darts.py (the same classes, read from that file),
draws its initial weights and the shuffled order of the first STEPS batches exactly as that script
does for --seed S, writes both into DIR (weights.safetensors, batches.safetensors), and trains
STEPS steps with the benchmark's recipe (SGD 0.025, momentum 0.9, weight decay 3e-4, clipping at 5,
per-step cosine over the whole epoch of --limit images). `nas-tui parity DIR` then trains our
network from the same weights on the same batches with the trainer's own step. Both losses are
printed side by side; the run fails (exit 1) when a step of the first --early ones differs by more
than --early-tolerance (relative), or any step by more than --tolerance.

Usage: python bench/parity/torch_parity.py [--steps 100] [--seed 1] [--limit 10000]
           [--nas-tui .build/release/nas-tui] [--dir DIR] [--threads 2]
The last line is a JSON summary."""
import argparse, ast, gzip, json, math, os, subprocess, sys, tempfile
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, '..', 'torch_train_darts.py')
ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('--steps', type=int, default=100); ap.add_argument('--seed', type=int, default=1)
ap.add_argument('--limit', type=int, default=10000, help='training images of the epoch the cosine schedule spans')
ap.add_argument('--batch', type=int, default=64); ap.add_argument('--C', type=int, default=16); ap.add_argument('--layers', type=int, default=5)
ap.add_argument('--nas-tui', default=os.path.join(HERE, '..', '..', '.build', 'release', 'nas-tui'))
ap.add_argument('--dir', default=None, help='where to write the weights and batches (default: a temporary directory)')
ap.add_argument('--threads', type=int, default=1, help='threads of both sides (1: the same on a busy machine)')
ap.add_argument('--early', type=int, default=10); ap.add_argument('--early-tolerance', type=float, default=1e-4)
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
m, s = xtr.mean(), xtr.std(); xtr = (xtr - m) / s
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
save_file({'images': xtr[order].contiguous(), 'labels': ytr[order].contiguous()}, os.path.join(out, 'batches.safetensors'))

# PyTorch's steps, as bench/torch_train_darts.py takes them.
opt = torch.optim.SGD(net.parameters(), lr=0.025, momentum=0.9, weight_decay=3e-4)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, total_steps)
net.train(); theirs = []
for b in order:
    opt.zero_grad(); loss = F.cross_entropy(net(xtr[b]), ytr[b]); loss.backward()
    nn.utils.clip_grad_norm_(net.parameters(), 5.); opt.step(); sched.step(); theirs.append(loss.item())

run = subprocess.run([a.nas_tui, 'parity', out, '--threads', str(a.threads)], capture_output=True, text=True)
if run.returncode != 0: sys.exit(f'nas-tui parity failed ({run.returncode}): {run.stderr.strip()}')
ours = json.loads(run.stdout.strip().splitlines()[-1])['losses']
print(f'{"step":>4}  {"pytorch":>10}  {"nas-tui":>10}  {"relative":>9}')
rel = [abs(o - t) / max(abs(t), 1e-12) for o, t in zip(ours, theirs)]
for i, (t, o, r) in enumerate(zip(theirs, ours, rel)):
    print(f'{i + 1:>4}  {t:>10.6f}  {o:>10.6f}  {r:>9.2e}')
early = max(rel[:a.early]); worst = max(rel)
ok = len(ours) == len(theirs) and early <= a.early_tolerance and worst <= a.tolerance
print(json.dumps({'steps': len(theirs), 'seed': a.seed, 'max_relative_first': early, 'first': a.early, 'max_relative': worst,
                  'mean_loss_last10_pytorch': float(np.mean(theirs[-10:])), 'mean_loss_last10_nas_tui': float(np.mean(ours[-10:])),
                  'agree': ok, 'dir': out}))
sys.exit(0 if ok else 1)
