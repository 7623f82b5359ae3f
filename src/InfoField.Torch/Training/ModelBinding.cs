using InfoField.Architecture;
using InfoField.Torch.Data;
using InfoField.Zoo;

namespace InfoField.Torch.Training;

/// <summary>
/// Resolves a <c>&lt;model | spec.json&gt;</c> argument for a dataset: through <see cref="NetworkSource.Load"/> (zoo
/// names, <c>-opt</c> forms, spec files), then checks that the network takes the dataset's images and predicts its classes.
/// </summary>
public static class ModelBinding
{
    /// <summary>
    /// The network <paramref name="reference"/> names, built for <paramref name="dataset"/>: zoo models with that dataset's
    /// definitions (image folders: the CIFAR-10 definitions at the folder's image size, with the classifier's last layer
    /// sized to the folder's classes); spec files as they are. <paramref name="width"/> applies to zoo models.
    /// </summary>
    public static LoadedNetwork Resolve(string reference, string dataset, double? width, InputShape? input, int? folderClasses = null)
    {
        string name = Datasets.Canonical(dataset);
        if (NetworkSource.IsSpecPath(reference))
        {
            return NetworkSource.Load(reference, null, width, input);
        }

        if (name != Datasets.ImageFolder)
        {
            return NetworkSource.Load(reference, name, width, input);
        }

        LoadedNetwork loaded = NetworkSource.Load(reference, DatasetInfo.Cifar10.Name, width, input);
        int classes = folderClasses ?? throw new ArgumentNullException(nameof(folderClasses), "image folders need their class count");
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
            throw new InfoFieldException($"{reference}: its classifier has no linear layer to size to the {classes} classes of the image folder");
        }

        Network network = loaded.Network;
        var head = network.Head.SetItem(last, ((Linear)network.Head[last]) with { OutFeatures = classes });
        return loaded with { Network = new Network(network.Name, network.Input, network.Stages, head, network.SpatialRank), Dataset = null };
    }

    /// <summary>The input shape image folders are resized to for <paramref name="reference"/>: --input, else a spec file's input, else 3x32x32.</summary>
    public static FeatureShape FolderImageShape(string reference, InputShape? input) =>
        input?.Shape ?? (NetworkSource.IsSpecPath(reference) ? NetworkSource.Load(reference, null, null, null).Network.Input : new FeatureShape(3, 32, 32));

    /// <summary>Throws, naming the model, the dataset and the fix, when <paramref name="network"/> does not fit <paramref name="data"/>.</summary>
    public static void Check(Network network, TrainingData data, string reference)
    {
        if (network.SpatialRank != 2)
        {
            throw new InfoFieldException($"{reference}: a 1-D network cannot be trained on images");
        }

        if (network.Input != data.Shape)
        {
            throw new InfoFieldException($"{reference}: takes {network.Input} inputs but {data.Name} images are {data.Shape} (C x H x W); build it for that shape (an input shape of {data.Shape}, or the spec's input)");
        }

        int outputs = network.Output.Volume > int.MaxValue ? -1 : (int)network.Output.Volume;
        if (outputs != data.Classes.Count)
        {
            throw new InfoFieldException($"{reference}: predicts {network.Output.Volume} classes but {data.Name} has {data.Classes.Count}; size its last linear layer to {data.Classes.Count}");
        }
    }
}
