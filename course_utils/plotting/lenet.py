"""The longer figures of notebook 07 (LeNet), named for what they draw.

Each function draws one figure in the course style and returns it; the notebook calls it and
then ``plt.show()``.
"""

import matplotlib.pyplot as plt
import numpy as np

from . import HEAT_CMAP, PALETTE, show_array


def _share_label(share):
    return f"{share:.1%}" if share >= 0.01 else f"{share:.2%}"


def plot_where_the_costs_are(names, costs):
    """One bar chart per cost (log scale), the layers side by side, each bar labelled with its
    share of the total.

    names: the layers' names; costs: {title: [value for each layer]} (e.g. parameters,
    activation values, multiply-adds), zeros allowed.
    """
    fig, axes = plt.subplots(1, len(costs), figsize=(4.4 * len(costs), 3.5), layout="constrained")
    for index, (ax, (title, values)) in enumerate(zip(np.atleast_1d(axes), costs.items())):
        total = sum(values)
        shown = [max(value, 0.5) for value in values]            # a zero bar stays at the floor
        bars = ax.bar(names, shown, color=PALETTE[index])
        for bar, value in zip(bars, values):
            ax.text(bar.get_x() + bar.get_width() / 2, max(value, 0.5),
                    _share_label(value / total) if value else "0", ha="center", va="bottom",
                    fontsize=8)
        ax.set_yscale("log")
        ax.set_ylim(0.5, max(values) * 6)
        ax.set_title(f"{title}\n(total {total:,})")
        ax.set_ylabel("count (log scale)")
        ax.tick_params(axis="x", labelrotation=45)
    fig.suptitle("The lecture's LeNet, per layer and per image: where the parameters, the "
                 "activations and the work are")
    return fig


def plot_training_record(history):
    """The training curve of scripts/train_lenet.py's run (``history`` from its provenance
    record): the smoothed training loss by step, and the test accuracy after each epoch."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), layout="constrained")
    axes[0].plot(history["step"], history["train_loss"], color=PALETTE[0])
    axes[0].set(title="Training loss (average of the last steps logged)", xlabel="training step",
                ylabel="loss", yscale="log")
    axes[1].plot(history["epoch"], [100 * a for a in history["test_accuracy"]], marker="o",
                 color=PALETTE[1])
    axes[1].set(title="Test accuracy after each epoch", xlabel="epoch", ylabel="accuracy (%)",
                xticks=history["epoch"])
    fig.suptitle("The run of scripts/train_lenet.py that produced data/lenet_numpy.npz")
    return fig


def plot_first_layer_filters(initial, trained):
    """Three rows of first-layer filters (K, kH, kW): at the start, trained, and the change,
    each filter on its own symmetric colour scale (white is zero), numbered."""
    rows = [(initial, "at the start"), (trained, "trained"), (trained - initial, "change")]
    count = len(initial)
    fig, axes = plt.subplots(3, count, figsize=(0.6 * count, 2.7), squeeze=False)
    for row, (arrays, name) in enumerate(rows):
        for column, array in enumerate(arrays):
            show_array(axes[row, column], array, title=str(column) if row == 0 else "",
                       signed=True)
        axes[row, 0].set_ylabel(name, rotation=0, ha="right", va="center")
    fig.suptitle(f"First-layer filters of the trained LeNet ({initial.shape[1]} x "
                 f"{initial.shape[2]} each, numbered)")
    fig.tight_layout()
    return fig


def plot_feature_maps(digit, stages, label, channels=8):
    """A digit and, row by row, the first ``channels`` feature maps of several layers.

    digit: (H, W); stages: {title: (C, H', W') non-negative maps}; label: the digit's class.
    """
    fig, axes = plt.subplots(len(stages), channels + 1, figsize=(11, 1.4 * len(stages)),
                             squeeze=False)
    for row, (title, maps) in enumerate(stages.items()):
        show_array(axes[row, 0], digit, title="input" if row == 0 else "", cmap="gray")
        axes[row, 0].set_visible(row == 0)
        for column in range(channels):
            show_array(axes[row, column + 1], maps[column],
                       title=f"ch {column}" if row == 0 else "", signed=False)
        axes[row, 1].set_ylabel(f"{title}\n{' x '.join(str(s) for s in maps.shape)}", fontsize=9)
    fig.suptitle(f"Feature maps of a test digit (label {label}); brighter = larger activation")
    fig.tight_layout()
    return fig


def plot_last_layers(hidden, probabilities):
    """The hidden features after the first linear layer and ReLU (drawn as a 2-D block) and the
    softmax probabilities of the classes, the predicted one highlighted."""
    predicted = int(np.argmax(probabilities))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.3), gridspec_kw={"width_ratios": [1.3, 1]},
                             layout="constrained")
    rows = next(r for r in range(int(np.sqrt(hidden.size)), 0, -1) if hidden.size % r == 0)
    show_array(axes[0], hidden.reshape(rows, -1),
               title=f"the {hidden.size} hidden features after ReLU (as {rows} x "
                     f"{hidden.size // rows})")
    axes[1].bar(range(len(probabilities)), probabilities,
                color=[PALETTE[0] if k == predicted else "#BBBBBB"
                       for k in range(len(probabilities))])
    axes[1].set(title="softmax of the class scores", xlabel="class", ylabel="probability",
                xticks=range(len(probabilities)))
    fig.suptitle("The last layers for the same digit")
    return fig


def plot_confusion_matrix(confusion):
    """A confusion matrix (true class by row, predicted by column) with every count written in;
    only the mistakes are coloured, the diagonal is grey."""
    classes = len(confusion)
    off_diagonal = confusion - np.diag(np.diag(confusion))
    fig, ax = plt.subplots(figsize=(5.6, 5.0), layout="constrained")
    mistakes = np.ma.masked_where(np.eye(classes, dtype=bool), off_diagonal)
    image = ax.imshow(mistakes, cmap=plt.get_cmap(HEAT_CMAP).with_extremes(bad="#DDDDDD"))
    for (row, column), count in np.ndenumerate(confusion):
        light = row == column or off_diagonal[row, column] > off_diagonal.max() / 2
        ax.text(column, row, count, ha="center", va="center", fontsize=8,
                color="black" if light else "white")
    fig.colorbar(image, ax=ax, shrink=0.8, label="mistakes")
    ax.set(xticks=range(classes), yticks=range(classes), xlabel="predicted class",
           ylabel="true class",
           title=f"Confusion matrix on the {confusion.sum():,} test digits (diagonal: correct, grey)")
    return fig


def plot_loss_curves(curves, title, xlabel="training step", reference=None, smooth=1):
    """Training-loss curves on one axis.

    curves: {label: [loss at each step]}; reference: (value, label) for a dotted horizontal
    line (e.g. chance, ln 10); smooth: plot the running mean over this many steps.
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.4), layout="constrained")
    for index, (label, losses) in enumerate(curves.items()):
        losses = np.asarray(losses, dtype=float)
        if smooth > 1 and len(losses) >= smooth:
            losses = np.convolve(losses, np.ones(smooth) / smooth, mode="valid")
            steps = np.arange(smooth, smooth + len(losses))
        else:
            steps = np.arange(1, len(losses) + 1)
        ax.plot(steps, losses, color=PALETTE[index % len(PALETTE)], label=label)
    if reference is not None:
        ax.axhline(reference[0], color="black", ls=":", lw=1, label=reference[1])
    ax.set(title=title, xlabel=xlabel,
           ylabel="loss" if smooth <= 1 else f"loss (mean of {smooth} steps)")
    ax.legend(fontsize=8)
    return fig


def plot_accuracy_by_shift(shifts, accuracies, title):
    """Test accuracy against the shift of the test digits, one line per model.

    shifts: the shifts in pixels; accuracies: {model: [accuracy (0-1) at each shift]}.
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.4), layout="constrained")
    for index, (label, values) in enumerate(accuracies.items()):
        ax.plot(shifts, [100 * v for v in values], marker="o", color=PALETTE[index], label=label)
    ax.set(title=title, xlabel="test digits shifted right by (pixels)",
           ylabel="test accuracy (%)", xticks=list(shifts))
    ax.legend(fontsize=8)
    return fig
