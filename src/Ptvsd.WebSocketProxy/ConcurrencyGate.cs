namespace Ptvsd.WebSocketProxy;

/// <summary>Admits at most <see cref="Maximum"/> holders at once, without waiting: a caller that finds it full is refused.</summary>
public abstract class ConcurrencyGate(int maximum)
{
    private int _active;

    public int Active => Volatile.Read(ref _active);

    public int Maximum => maximum;

    public bool TryEnter()
    {
        while (true)
        {
            var active = Volatile.Read(ref _active);
            if (active >= maximum)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _active, active + 1, active) == active)
            {
                return true;
            }
        }
    }

    public void Exit() => Interlocked.Decrement(ref _active);
}
