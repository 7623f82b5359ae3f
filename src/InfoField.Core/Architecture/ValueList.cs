using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace InfoField.Architecture;

/// <summary>
/// An immutable list with value equality, so that records holding lists compare by content.
/// The default value is an empty list.
/// </summary>
[CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public readonly struct ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly ImmutableArray<T> _items;

    /// <summary>Wraps the given items.</summary>
    public ValueList(ImmutableArray<T> items) => _items = items.IsDefault ? [] : items;

    /// <summary>Copies the given items.</summary>
    public ValueList(IEnumerable<T> items) => _items = [.. items];

    /// <summary>The empty list.</summary>
    public static ValueList<T> Empty => default;

    /// <summary>The items as an immutable array.</summary>
    public ImmutableArray<T> Items => _items.IsDefault ? [] : _items;

    /// <inheritdoc />
    public int Count => _items.IsDefault ? 0 : _items.Length;

    /// <inheritdoc />
    public T this[int index] => _items.IsDefault ? throw new IndexOutOfRangeException("the list is empty") : _items[index];

    /// <summary>A list with <paramref name="item"/> appended.</summary>
    public ValueList<T> Add(T item) => new(Items.Add(item));

    /// <summary>A list with the item at <paramref name="index"/> replaced.</summary>
    public ValueList<T> SetItem(int index, T item) => new(Items.SetItem(index, item));

    /// <summary>A list without the item at <paramref name="index"/>.</summary>
    public ValueList<T> RemoveAt(int index) => new(Items.RemoveAt(index));

    /// <summary>A list with <paramref name="item"/> inserted at <paramref name="index"/>.</summary>
    public ValueList<T> Insert(int index, T item) => new(Items.Insert(index, item));

    /// <inheritdoc />
    public ImmutableArray<T>.Enumerator GetEnumerator() => Items.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Items).GetEnumerator();

    /// <inheritdoc />
    public bool Equals(ValueList<T> other) => Items.SequenceEqual(other.Items);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (T item in Items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(ValueList<T> left, ValueList<T> right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(ValueList<T> left, ValueList<T> right) => !left.Equals(right);

    /// <summary>Wraps an immutable array.</summary>
    public static implicit operator ValueList<T>(ImmutableArray<T> items) => new(items);

    /// <summary>Copies an array.</summary>
    public static implicit operator ValueList<T>(T[] items) => new(items);

    /// <inheritdoc />
    public override string ToString() => $"[{string.Join(", ", Items)}]";
}

/// <summary>Factory for <see cref="ValueList{T}"/>, used by collection expressions.</summary>
public static class ValueList
{
    /// <summary>Creates a list from a span of items.</summary>
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => new(ImmutableArray.Create(items));

    /// <summary>Copies a sequence into a list.</summary>
    public static ValueList<T> ToValueList<T>(this IEnumerable<T> items) => new(items);
}
