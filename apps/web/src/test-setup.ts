import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { initI18n } from './i18n';

// Component tests read English texts; the translations test checks zh-CN separately.
initI18n('en');
afterEach(() => cleanup());
