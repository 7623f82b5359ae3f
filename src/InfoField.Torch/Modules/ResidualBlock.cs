using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>A residual connection: <c>body(x) + shortcut(x)</c>, the shortcut being the identity when it has no layers.</summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly Sequential body;
    private readonly Sequential shortcut;

    /// <summary>Creates the block from its two branches.</summary>
    public ResidualBlock(Sequential body, Sequential shortcut, string name = "ResidualBlock")
        : base(name)
    {
        this.body = body;
        this.shortcut = shortcut;
        RegisterComponents();
    }

    /// <summary>True when the shortcut is the identity.</summary>
    public bool HasIdentityShortcut => shortcut.Count == 0;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using Tensor residual = body.forward(input);
        if (HasIdentityShortcut)
        {
            return residual.add(input);
        }

        using Tensor projected = shortcut.forward(input);
        return residual.add(projected);
    }
}
