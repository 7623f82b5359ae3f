using InfoField.Architecture;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InfoField.Torch.Building;

/// <summary>
/// A TorchSharp module built from an architecture model: <c>stages</c> (one <see cref="Sequential"/> per stage, holding
/// its entry pooling and one <see cref="Sequential"/> per unit) followed by <c>head</c>. Parameter names therefore read
/// <c>stages.2.1.0.weight</c>: stage 3, its second child, first op.
/// </summary>
public sealed class NetworkModule : nn.Module<Tensor, Tensor>
{
    private readonly Sequential stages;
    private readonly Sequential head;

    internal NetworkModule(Network architecture, Sequential stages, Sequential head)
        : base(architecture.Name)
    {
        Architecture = architecture;
        this.stages = stages;
        this.head = head;
        RegisterComponents();
    }

    /// <summary>The architecture this module was built from.</summary>
    public Network Architecture { get; }

    /// <summary>The stages, in order.</summary>
    public Sequential Stages => stages;

    /// <summary>The classifier head.</summary>
    public Sequential Head => head;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        bool signal = Architecture.SpatialRank == 1 && input.dim() == 3;
        using Tensor images = signal ? input.unsqueeze(2) : input.alias();
        using Tensor features = stages.forward(images);
        return head.forward(features);
    }
}
