namespace EdgeAgent.Firmware.Link
{
    /// <summary>The resend rules (PROTOCOL.md, "Acknowledgements and resends").</summary>
    internal sealed class LinkSettings
    {
        public LinkSettings(int ackTimeoutMilliseconds, int maxAttempts, int pendingCapacity)
        {
            if (ackTimeoutMilliseconds <= 0 || maxAttempts <= 0 || pendingCapacity <= 0)
            {
                throw new System.ArgumentException("The ack timeout, attempts and capacity must be positive.");
            }

            AckTimeoutMilliseconds = ackTimeoutMilliseconds;
            MaxAttempts = maxAttempts;
            PendingCapacity = pendingCapacity;
        }

        /// <summary>200 ms, 5 attempts (the first send and 4 resends), 8 frames awaiting acknowledgement.</summary>
        public static LinkSettings Default => new LinkSettings(200, 5, 8);

        /// <summary>How long to wait for an acknowledgement before sending the same frame again.</summary>
        public int AckTimeoutMilliseconds { get; }

        /// <summary>Sends of one frame, the first included, before it is given up.</summary>
        public int MaxAttempts { get; }

        /// <summary>Reliable frames awaiting acknowledgement at once; a further reliable send is refused.</summary>
        public int PendingCapacity { get; }

        /// <summary>How long a delivered reliable frame's (type, sequence) marks a resend of it as a duplicate: twice the
        /// longest a sender keeps resending. A sender sends fewer than 256 frames within it, so no sequence comes round again.</summary>
        public long DuplicateWindowMilliseconds => 2L * AckTimeoutMilliseconds * MaxAttempts;
    }
}
