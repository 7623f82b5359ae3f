using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// The module of a merge node of a <see cref="GraphModule"/> (add, multiply, concatenate): it joins the tensors its node
/// reads with the merge's function (<see cref="Merge"/>). It has no parameters; as a one-input module it returns its
/// input (a merge of one tensor is that tensor).
/// </summary>
/// <param name="name">The module's name (the merge's type).</param>
/// <param name="merge">Joins the input tensors; returns a new tensor.</param>
public sealed class MergeModule(string name, Func<IReadOnlyList<Tensor>, Tensor> merge) : nn.Module<Tensor, Tensor>(name)
{
    private readonly Func<IReadOnlyList<Tensor>, Tensor> _merge = merge ?? throw new ArgumentNullException(nameof(merge));

    /// <summary>Joins <paramref name="inputs"/>.</summary>
    public Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return _merge(inputs);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => input.alias();

    /// <summary>
    /// A merge that combines its inputs pairwise, left to right, with <paramref name="combine"/> (a sum or a product of
    /// two or more), disposing the partial results.
    /// </summary>
    public static Func<IReadOnlyList<Tensor>, Tensor> Fold(Func<Tensor, Tensor, Tensor> combine)
    {
        ArgumentNullException.ThrowIfNull(combine);
        return inputs =>
        {
            Tensor total = combine(inputs[0], inputs[1]);
            for (int k = 2; k < inputs.Count; k++)
            {
                Tensor next = combine(total, inputs[k]);
                total.Dispose();
                total = next;
            }

            return total;
        };
    }
}
