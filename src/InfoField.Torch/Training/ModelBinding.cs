using InfoField.Architecture;
using InfoField.Torch.Data;

namespace InfoField.Torch.Training;

/// <summary>
/// Fits networks to training data: a zoo model's classifier sized to an image folder's classes, and the check that a
/// network takes the dataset's images and predicts its classes.
/// </summary>
public static class ModelBinding
{
    /// <summary>
    /// <paramref name="loaded"/>, a zoo model built with the CIFAR-10 definitions at an image folder's image size, with
    /// its classifier's last linear layer sized to the folder's <paramref name="classes"/> (and no dataset: the folder is none of the zoo's).
    /// </summary>
    public static LoadedNetwork ForImageFolder(LoadedNetwork loaded, int classes)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        int last = -1;
        for (int i = 0; i < loaded.Network.Head.Count; i++)
        {
            if (loaded.Network.Head[i] is Linear)
            {
                last = i;
            }
        }

        if (last < 0)
        {
            throw new InfoFieldException($"{loaded.Reference}: its classifier has no linear layer to size to the {classes} classes of the image folder");
        }

        Network network = loaded.Network;
        var head = network.Head.SetItem(last, ((Linear)network.Head[last]) with { OutFeatures = classes });
        return loaded with { Network = new Network(network.Name, network.Input, network.Stages, head, network.SpatialRank).WithOutputs(network.Outputs), Dataset = null };
    }

    /// <summary>Throws, naming the model, the dataset and the fix, when <paramref name="network"/> does not fit <paramref name="data"/>.</summary>
    public static void Check(Network network, TrainingData data, string reference) => Check(network, data.Identity, reference);

    /// <summary>Throws, naming the model, the dataset and the fix, when <paramref name="network"/> does not fit the data <paramref name="data"/> identifies.</summary>
    public static void Check(Network network, DataIdentity data, string reference)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        if (network.SpatialRank != 2)
        {
            throw new InfoFieldException($"{reference}: a 1-D network cannot be trained on images");
        }

        if (network.Outputs.Count > 0)
        {
            throw new InfoFieldException($"{reference}: has {network.Outputs.Count + 1} outputs ('{Network.MainOutputName}' and '{network.Outputs[0].Name}'{(network.Outputs.Count > 1 ? ", ..." : "")}); training and evaluation take a classifier with one output, so analyse, optimize or export it instead");
        }

        if (network.Input != data.Shape)
        {
            throw new InfoFieldException($"{reference}: takes {network.Input} inputs but {data.Name} images are {data.Shape} (C x H x W); build it for that shape (an input shape of {data.Shape}, or the spec's input)");
        }

        int outputs = network.Output.Volume > int.MaxValue ? -1 : (int)network.Output.Volume;
        if (outputs != data.ClassCount)
        {
            throw new InfoFieldException($"{reference}: predicts {network.Output.Volume} classes but {data.Name} has {data.ClassCount}; size its last linear layer to {data.ClassCount}");
        }
    }
}
