// Small inline icons (no icon font: the CSP allows only same-origin fonts and we ship none).
const common = {
  width: 16,
  height: 16,
  viewBox: '0 0 16 16',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 1.5,
  strokeLinecap: 'round' as const,
  strokeLinejoin: 'round' as const,
};

export const LibraryIcon = () => (
  <svg {...common}>
    <rect x="2" y="2.5" width="12" height="11" rx="2" />
    <path d="M5 6h6M5 9h4" />
  </svg>
);

export const ChatIcon = () => (
  <svg {...common}>
    <path d="M2.5 4.5a2 2 0 0 1 2-2h7a2 2 0 0 1 2 2v5a2 2 0 0 1-2 2H7l-3 2.5v-2.5h0.5a2 2 0 0 1-2-2z" />
  </svg>
);

export const LogsIcon = () => (
  <svg {...common}>
    <path d="M3 3.5h10M3 8h10M3 12.5h6" />
  </svg>
);

export const SettingsIcon = () => (
  <svg {...common}>
    <circle cx="8" cy="8" r="2" />
    <path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4" />
  </svg>
);
