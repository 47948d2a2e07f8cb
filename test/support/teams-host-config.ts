/**
 * A host config shaped like Teams' light theme, for rendering calbot's cards as Teams lays them out: Teams' font
 * sizes (small 12, default 14, medium 14, large 18, extra large 24), weights, spacing and 16 px padding, its colours,
 * and Segoe UI / Courier New (this machine has neither: Liberation Sans and Liberation Mono have Arial's and Courier
 * New's metrics, so text takes about the width it takes in Teams).
 */
const FOREGROUND_COLORS = {
  default: { default: '#242424', subtle: '#616161' },
  accent: { default: '#5B5FC7', subtle: '#8B8CC7' },
  attention: { default: '#C4314B', subtle: '#D9748A' },
  good: { default: '#237B4B', subtle: '#6BB28A' },
  warning: { default: '#835B00', subtle: '#B08D3F' },
  dark: { default: '#242424', subtle: '#616161' },
  light: { default: '#FFFFFF', subtle: '#FAFAFA' },
};

export const TEAMS_HOST_CONFIG = {
  supportsInteractivity: true,
  spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E1E1E1' },
  imageSizes: { small: 32, medium: 52, large: 100 },
  fontTypes: {
    default: {
      fontFamily: "'Segoe UI', 'Liberation Sans', Arial, sans-serif",
      fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
      fontWeights: { lighter: 200, default: 400, bolder: 600 },
    },
    monospace: {
      fontFamily: "'Courier New', 'Liberation Mono', Courier, monospace",
      fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
      fontWeights: { lighter: 200, default: 400, bolder: 600 },
    },
  },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: FOREGROUND_COLORS,
    },
    emphasis: {
      backgroundColor: '#F5F5F5',
      foregroundColors: FOREGROUND_COLORS,
    },
  },
  actions: { maxActions: 6, spacing: 'Default', buttonSpacing: 8, showCard: { actionMode: 'Inline', inlineTopMargin: 16 }, actionsOrientation: 'Horizontal', actionAlignment: 'Left' },
  adaptiveCard: { allowCustomStyle: false },
  textBlock: { headingLevel: 2 },
} as const;
