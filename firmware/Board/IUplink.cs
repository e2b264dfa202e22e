using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Board
{
    /// <summary>What the services send to the board (Board/LinkService.cs decides when: not while the board sleeps).</summary>
    internal interface IUplink
    {
        /// <summary>Sends <paramref name="message"/> now, or holds it (reliable ones) until the board is awake.</summary>
        void Publish(Message message, bool reliable, long nowMilliseconds);
    }
}
