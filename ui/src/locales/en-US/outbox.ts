// Texts of the villager app's outbox: claims and reports kept on the phone without signal.
export default {
  outbox: {
    title: 'Waiting on this phone',
    hint: 'What you submitted without signal is kept on this phone and sent when the signal returns.',
    kept: 'No signal now: kept on this phone and sent when the signal returns',
    retry: 'Send now',
    drop: 'Delete',
    state: { pending: 'Waiting to send', sending: 'Sending', sent: 'Sent', failed: 'Not sent' },
  },
};
