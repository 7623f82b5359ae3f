#!/usr/bin/python3
"""PyTorch side of the peer benchmark (bench/peer/peer_train.sh): trains VGG-11 or MobileNet v1 at a width multiplier
on Fashion-MNIST padded to 32x32, as InfoField's zoo defines them (pytorch-cifar definitions: conv-BN-ReLU, one linear
layer), with InfoField's recipe (SGD, momentum 0.9, weight decay 5e-4, lr 0.1, batch 128, cross-entropy, no
augmentation for Fashion-MNIST), for a number of steps, and prints one JSON line: model, params, steps, seconds,
imagesPerSecond. A benchmark tool, not part of the product: Debian's python3-torch is enough."""
import argparse
import gzip
import json
import os
import time

import numpy
import torch
from torch import nn


def channels(c, width):
    # ZooRequest.Channels: round half away from zero, at least 1.
    return max(1, int(numpy.floor(c * width + 0.5)))


def vgg11(width, classes=10):
    layers, inputs = [], 1
    for stage, (c, depth) in enumerate(zip([64, 128, 256, 512, 512], [1, 1, 2, 2, 2])):
        if stage > 0:
            layers.append(nn.MaxPool2d(2))
        for _ in range(depth):
            out = channels(c, width)
            layers += [nn.Conv2d(inputs, out, 3, padding=1, bias=True), nn.BatchNorm2d(out), nn.ReLU(inplace=True)]
            inputs = out
    return nn.Sequential(*layers, nn.MaxPool2d(2), nn.Flatten(), nn.Linear(inputs, classes))


def mobilenet(width, classes=10):
    stem = channels(32, width)
    layers, inputs = [nn.Conv2d(1, stem, 3, padding=1, bias=False), nn.BatchNorm2d(stem), nn.ReLU(inplace=True)], stem
    blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
              (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]
    for c, stride in blocks:
        out = channels(c, width)
        layers += [nn.Conv2d(inputs, inputs, 3, stride=stride, padding=1, groups=inputs, bias=False), nn.BatchNorm2d(inputs), nn.ReLU(inplace=True),
                   nn.Conv2d(inputs, out, 1, bias=False), nn.BatchNorm2d(out), nn.ReLU(inplace=True)]
        inputs = out
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(inputs, classes))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return numpy.frombuffer(data, dtype=numpy.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=["vgg11", "mobilenet"])
    parser.add_argument("--width", type=float, default=0.25)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--channels-last", action="store_true",
                        help="run the model and its batches in channels-last layout, as InfoField does by default")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    images = read_idx(os.path.join(args.data_dir, "train-images-idx3-ubyte.gz"))
    labels = torch.from_numpy(read_idx(os.path.join(args.data_dir, "train-labels-idx1-ubyte.gz")).astype(numpy.int64))
    count = min(len(images), args.steps * args.batch_size)
    images, labels = images[:count], labels[:count]

    model = (vgg11 if args.model == "vgg11" else mobilenet)(args.width)
    layout = torch.channels_last if args.channels_last else torch.contiguous_format
    model = model.to(memory_format=layout)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    loss_function = nn.CrossEntropyLoss()
    model.train()
    start = time.perf_counter()
    # The input pipeline, as InfoField's: shuffle, pad 28x28 to 32x32 with zeros, scale and normalize, batch by batch.
    mean, std = float(images.mean()) / 255, float(images.std()) / 255
    order = torch.randperm(count)
    steps = 0
    for first in range(0, count - args.batch_size + 1, args.batch_size):
        index = order[first:first + args.batch_size].numpy()
        batch = numpy.zeros((args.batch_size, 1, 32, 32), dtype=numpy.float32)
        batch[:, 0, 2:30, 2:30] = images[index]
        x = ((torch.from_numpy(batch) / 255 - mean) / std).contiguous(memory_format=layout)
        y = labels[index]
        optimizer.zero_grad()
        loss = loss_function(model(x), y)
        loss.backward()
        optimizer.step()
        steps += 1
    seconds = time.perf_counter() - start
    print(json.dumps({
        "model": args.model, "width": args.width, "params": sum(p.numel() for p in model.parameters()),
        "steps": steps, "batchSize": args.batch_size, "channelsLast": args.channels_last, "threads": torch.get_num_threads(), "torch": torch.__version__,
        "seconds": round(seconds, 3), "imagesPerSecond": round(steps * args.batch_size / seconds, 1),
        "finalLoss": round(float(loss), 4)}))


if __name__ == "__main__":
    main()
