namespace EdgeAgent.Firmware.Link
{
    /// <summary>What one link endpoint counted (the decoder counts the frames it dropped).</summary>
    internal sealed class LinkStatistics
    {
        public int Sent { get; set; }

        public int Resent { get; set; }

        public int Acknowledged { get; set; }

        /// <summary>Reliable messages given up after the last attempt.</summary>
        public int GaveUp { get; set; }

        /// <summary>Reliable messages the peer acknowledged with a status other than Accepted.</summary>
        public int Rejected { get; set; }

        /// <summary>Reliable sends refused because <see cref="LinkSettings.PendingCapacity"/> frames were awaiting acknowledgement.</summary>
        public int Refused { get; set; }

        public int Received { get; set; }

        /// <summary>Resends of a frame already delivered: acknowledged again, not delivered again.</summary>
        public int Duplicates { get; set; }

        /// <summary>Intact frames of a type this side does not know, or with a body of the wrong length.</summary>
        public int Unreadable { get; set; }
    }
}
