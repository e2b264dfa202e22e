namespace EdgeAgent.Firmware.Link
{
    /// <summary>What a link endpoint hands up: messages received, and reliable messages that were not delivered.</summary>
    internal interface ILinkListener
    {
        /// <summary>A message from the peer: once per message, even when the peer had to resend it.</summary>
        void OnMessage(Message message);

        /// <summary>A reliable message the peer never acknowledged within the attempts allowed, or refused in its
        /// acknowledgement (unsupported type, malformed).</summary>
        void OnDeliveryFailed(Message message);
    }
}
