import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { initialValues, toCredentials, type FormValues, type JsonSchema } from '../lib/schema-form-model';
import { httpAuthSchema, kingdeeAuthSchema } from '../lib/test-fixtures/auth-schemas';
import { SchemaForm } from './schema-form';

function Harness({ schema, secretFields, mode, known, onValues }: { schema: JsonSchema; secretFields: string[]; mode: 'create' | 'edit'; known?: Record<string, unknown>; onValues: (v: FormValues) => void }) {
  const [values, setValues] = useState(() => initialValues(schema, { secretFields, mode, ...(known ? { known } : {}) }));
  return (
    <SchemaForm
      schema={schema}
      values={values}
      secretFields={secretFields}
      mode={mode}
      onChange={(next) => {
        setValues(next);
        onValues(next);
      }}
    />
  );
}

describe('SchemaForm', () => {
  it('renders a labelled field per property, the right input for each, required ones marked', () => {
    render(<Harness schema={kingdeeAuthSchema} secretFields={['password', 'appSecret']} mode="create" onValues={() => undefined} />);
    expect(screen.getByLabelText(/serverUrl/)).toHaveProperty('type', 'url');
    expect(screen.getByLabelText(/serverUrl/).getAttribute('aria-required')).toBe('true');
    expect(screen.getByLabelText(/^lcid/)).toHaveProperty('type', 'number');
    expect(screen.getByLabelText(/^lcid/)).toHaveProperty('value', '2052');
    expect(screen.getByLabelText(/^lcid/).getAttribute('aria-required')).toBeNull();
    expect(screen.getByLabelText(/authType/).tagName).toBe('SELECT');
    expect(screen.getByText('Default: 2052')).toBeTruthy();
  });

  it('masks secrets and never prefills them; on edit says an empty one keeps the stored value', () => {
    render(<Harness schema={kingdeeAuthSchema} secretFields={['password', 'appSecret']} mode="edit" known={{ serverUrl: 'http://erp/k3cloud/', password: 'should-not-appear' }} onValues={() => undefined} />);
    const password = screen.getByLabelText(/^password/);
    expect(password).toHaveProperty('type', 'password');
    expect(password).toHaveProperty('value', '');
    expect(password.getAttribute('aria-required')).toBeNull();
    expect(screen.getByLabelText(/serverUrl/)).toHaveProperty('value', 'http://erp/k3cloud/');
    expect(document.body.textContent).not.toContain('should-not-appear');
    expect(screen.getAllByText(/Leave empty to keep it/).length).toBe(2);
  });

  it('switches the fields with the discriminator of a union and sends only that branch', async () => {
    let last: FormValues = {};
    const secretFields = ['value', 'password', 'token'];
    render(<Harness schema={httpAuthSchema} secretFields={secretFields} mode="create" onValues={(v) => (last = v)} />);
    expect(screen.queryByLabelText(/^token/)).toBeNull();
    await userEvent.selectOptions(screen.getByLabelText(/^type/), 'bearer');
    const token = screen.getByLabelText(/^token/);
    expect(token).toHaveProperty('type', 'password');
    await userEvent.type(token, 's3cret');
    await userEvent.type(screen.getByLabelText(/baseUrl/), 'https://api.example.com');
    expect(toCredentials(httpAuthSchema, last, { secretFields, mode: 'create' })).toEqual({ type: 'bearer', token: 's3cret', baseUrl: 'https://api.example.com' });
  });

  it('gives multi-line text (a PEM key, a subscription list) a text area that keeps line breaks, also for a secret', async () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { brokerUrl: { type: 'string' }, subscriptions: { type: 'string', format: 'multiline' }, tlsKey: { type: 'string', format: 'multiline' } },
      required: ['brokerUrl'],
    };
    let last: FormValues = {};
    render(<Harness schema={schema} secretFields={['tlsKey']} mode="create" onValues={(v) => (last = v)} />);
    const key = screen.getByLabelText(/^tlsKey/);
    expect(key.tagName).toBe('TEXTAREA');
    expect(screen.getByLabelText(/^subscriptions/).tagName).toBe('TEXTAREA');
    expect(screen.getByLabelText(/^brokerUrl/).tagName).toBe('INPUT');
    await userEvent.type(key, '-----BEGIN KEY-----{Enter}abc{Enter}-----END KEY-----');
    expect(last.tlsKey).toBe('-----BEGIN KEY-----\nabc\n-----END KEY-----');
  });

  it('shows problems next to their fields and links them for screen readers', () => {
    render(
      <SchemaForm schema={kingdeeAuthSchema} values={{ serverUrl: 'x' }} onChange={() => undefined} secretFields={[]} mode="create" problems={{ serverUrl: { kind: 'url' }, acctId: 'acctId: Too small' }} />,
    );
    const url = screen.getByLabelText(/serverUrl/);
    expect(url.getAttribute('aria-invalid')).toBe('true');
    const described = url.getAttribute('aria-describedby') ?? '';
    expect(document.getElementById(described.split(' ').pop() ?? '')?.textContent).toBe('Enter a URL starting with http:// or https://.');
    expect(screen.getByText('acctId: Too small')).toBeTruthy();
  });
});
